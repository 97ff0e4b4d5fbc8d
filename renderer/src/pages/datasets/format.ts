export function sizeText(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (bytes >= 1024 && i < units.length - 1) {
    bytes /= 1024;
    i++;
  }
  return `${i === 0 ? bytes : bytes.toFixed(1)} ${units[i]}`;
}

/** "file:line [path]: reason", as the CLI prints it. */
export function itemErrorText(e: { file: string; line?: number; path?: string; reason: string }): string {
  return `${e.file}${e.line !== undefined ? `:${e.line}` : ''}${e.path ? ` [${e.path}]` : ''}: ${e.reason}`;
}
