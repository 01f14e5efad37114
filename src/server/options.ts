/** What `customs server` and `customs worker` are started with, already parsed. */
import type { RegistryOptions } from '../api/request.js';
import type { Logger } from '../util/log.js';
import type { WatchedRegistry } from './config.js';

export interface ServerOptions {
  /** `sqlite:PATH` or `postgres://…`. */
  database: string;
  cacheDir: string;
  /** HOST:PORT to listen on (server only). */
  listen?: { host: string; port: number };
  /** The API token; undefined leaves the API open (only on loopback; see main.ts). */
  token?: string;
  /** Local archives under this directory may be scanned; none otherwise. */
  allowLocalInput?: string;
  /** Scans run at once by this process (default 1). */
  workers: number;
  maxAttempts: number;
  jobTimeoutSeconds: number;
  /** pg-boss maintenance interval: how soon an abandoned job is retried (default 60 s). */
  maintenanceIntervalSeconds?: number;
  /** How often the server checks whether the vulnerability database changed (default 60 s; 0 never). */
  dbCheckIntervalSeconds: number;
  skipDbUpdate: boolean;
  dbSources?: string[];
  registry: RegistryOptions;
  /** Registries polled for changed tags (`registries:` in --config; server only). */
  registries?: WatchedRegistry[];
  /** Secrets of the webhooks that cannot send the API token (from `webhooks:` in --config). */
  webhookSecrets?: { dockerhub?: string; github?: string };
  logger: Logger;
}
