/** The image configuration as the OCI image spec defines it: what every source yields and every report shows. */
/** The OCI image configuration, the fields customs reads (others are kept as-is). */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  author?: string;
  config?: {
    User?: string;
    Env?: string[];
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, object> | null;
    Volumes?: Record<string, object> | null;
    Healthcheck?: { Test?: string[] } | null;
    StopSignal?: string;
    [key: string]: unknown;
  };
  rootfs?: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
  [key: string]: unknown;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}
