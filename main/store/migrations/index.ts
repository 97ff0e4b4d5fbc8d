import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-host-keys';
import { migration0003 } from './0003-bmc-cert-pins';
import { migration0004 } from './0004-datasets';
import { migration0005 } from './0005-jobs-templates';
import { migration0006 } from './0006-kube-backends';
import { migration0007 } from './0007-job-hooks';
import { migration0008 } from './0008-job-user-queue';
import { migration0009 } from './0009-job-run-usage';
import type { Migration } from './types';

// Append new migrations here, one file each (NNNN-name.ts), never edit a shipped one.
export const migrations: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009];
export const LATEST_SCHEMA = migrations[migrations.length - 1].version;
export type { Migration };
