/**
 * Where containerd is and which namespace to read: an explicit setting (a
 * flag), else `CONTAINERD_ADDRESS` / `CONTAINERD_NAMESPACE` as ctr, nerdctl
 * and Trivy read them, else containerd's defaults.
 */
import { UserError } from '../../util/errors.js';

export const DEFAULT_CONTAINERD_SOCKET = '/run/containerd/containerd.sock';
export const DEFAULT_CONTAINERD_NAMESPACE = 'default';
/** One gRPC call (a lookup, or one chunk of a blob) to a local daemon. */
export const DEFAULT_CONTAINERD_TIMEOUT_MS = 30_000;

export interface ContainerdSettings {
  /** The socket: a path or `unix://PATH`; default CONTAINERD_ADDRESS, else /run/containerd/containerd.sock. */
  address?: string;
  /** Default CONTAINERD_NAMESPACE, else `default` (Kubernetes' images are in `k8s.io`). */
  namespace?: string;
  /** Deadline of each gRPC call. */
  timeoutMs?: number;
}

export interface ResolvedContainerdSettings {
  socket: string;
  namespace: string;
  timeoutMs: number;
}

// containerd's own rule (namespaces/validate.go): labels of letters and digits joined by . _ -, at most 76 characters.
const NAMESPACE = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;
const MAX_NAMESPACE_LENGTH = 76;

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/** The socket path of an address: containerd listens on unix sockets only. */
function socketPath(address: string): string {
  const path = address.startsWith('unix://') ? address.slice('unix://'.length) : address;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || !path.startsWith('/'))
    throw new UserError(
      `containerd address "${address.slice(0, 200)}" is not a unix socket path`,
      'set CONTAINERD_ADDRESS to an absolute path such as /run/containerd/containerd.sock',
    );
  return path;
}

export function resolveContainerdSettings(
  settings: ContainerdSettings,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedContainerdSettings {
  const namespace = nonEmpty(settings.namespace) ?? nonEmpty(env.CONTAINERD_NAMESPACE) ?? DEFAULT_CONTAINERD_NAMESPACE;
  if (namespace.length > MAX_NAMESPACE_LENGTH || !NAMESPACE.test(namespace))
    throw new UserError(
      `invalid containerd namespace "${namespace.slice(0, 100)}"`,
      'a namespace is letters and digits joined by . _ or -, e.g. default or k8s.io',
    );
  return {
    socket: socketPath(nonEmpty(settings.address) ?? nonEmpty(env.CONTAINERD_ADDRESS) ?? DEFAULT_CONTAINERD_SOCKET),
    namespace,
    timeoutMs: settings.timeoutMs ?? DEFAULT_CONTAINERD_TIMEOUT_MS,
  };
}
