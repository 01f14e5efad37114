export interface FormatOptions {
  toolName: string;
  toolVersion: string;
  now?: Date;
}
