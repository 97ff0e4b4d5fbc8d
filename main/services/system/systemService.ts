import type { Db } from '../../store/db';
import type { SystemService } from '../../../shared/contract/services';
import { VERSION } from '../../version';
import { changesOf, type ChangeFeed } from '../events/changeFeed';

export function createSystemService(db: Db, dataDir: string, feed: ChangeFeed): SystemService {
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return {
    info: (via) => ({
      version: VERSION,
      dataDir,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      via,
      counts: { nodes: count('nodes'), groups: count('groups'), racks: count('racks'), rooms: count('rooms'), credentials: count('credentials') },
    }),
    changes: (signal) => changesOf(feed, signal),
  };
}
