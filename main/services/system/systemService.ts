import type { Db } from '../../store/db';
import type { SystemService } from '../../../shared/contract/services';
import { VERSION } from '../../version';

export function createSystemService(db: Db, dataDir: string): SystemService {
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return {
    info: (via) => ({
      version: VERSION,
      dataDir,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      via,
      counts: { nodes: count('nodes'), groups: count('groups'), racks: count('racks'), rooms: count('rooms'), credentials: count('credentials') },
    }),
  };
}
