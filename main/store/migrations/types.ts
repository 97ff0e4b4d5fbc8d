export interface Migration {
  /** Equals the file's number; applied in order, each in its own transaction. */
  version: number;
  name: string;
  up: string;
}
