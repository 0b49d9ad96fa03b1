import { IssueCollector } from './errors';

/**
 * Task sizes AutoMock offers by name, each doubling the last: CPU units and memory in MiB, the
 * memory being the least Fargate allows with that CPU, so a size costs no more than its CPU needs.
 */
export const INSTANCE_SIZES = {
  small: { cpu: 256, memory: 512 },
  medium: { cpu: 512, memory: 1024 },
  large: { cpu: 1024, memory: 2048 },
  xlarge: { cpu: 2048, memory: 4096 },
} as const;

export type InstanceSizeName = keyof typeof INSTANCE_SIZES;

export const INSTANCE_SIZE_NAMES = Object.keys(INSTANCE_SIZES) as InstanceSizeName[];

/** A Fargate task size. */
export interface TaskSize {
  /** CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  /** Memory in MiB. */
  readonly memory: number;
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/**
 * Fargate's allowed CPU/memory combinations (Linux), from the ECS developer guide's task size
 * table.
 */
export const FARGATE_COMBINATIONS: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/** Whether Fargate accepts this cpu/memory pair. */
export function isValidFargateSize(cpu: number, memory: number): boolean {
  return FARGATE_COMBINATIONS[cpu]?.includes(memory) ?? false;
}

function describeAllowed(cpu: number): string {
  const mems = FARGATE_COMBINATIONS[cpu];
  if (!mems) return `cpu must be one of ${Object.keys(FARGATE_COMBINATIONS).join(', ')}`;
  const lo = mems[0];
  const hi = mems[mems.length - 1];
  return `with cpu ${cpu} Fargate allows memory ${mems.length <= 4 ? mems.join(', ') : `${lo} to ${hi} in steps of ${mems[1]! - mems[0]!}`} MiB`;
}

/** Validates an explicit size; adds issues under `field`. */
export function checkTaskSize(issues: IssueCollector, field: string, size: TaskSize): void {
  if (!FARGATE_COMBINATIONS[size.cpu]) {
    issues.add(`${field}.cpu`, size.cpu, describeAllowed(size.cpu));
  } else if (!isValidFargateSize(size.cpu, size.memory)) {
    issues.add(`${field}.memory`, size.memory, describeAllowed(size.cpu));
  }
}

/** Resolves a size name or explicit pair to a validated {@link TaskSize}. */
export function resolveTaskSize(size: InstanceSizeName | TaskSize, field = 'size'): TaskSize {
  const issues = new IssueCollector();
  let resolved: TaskSize | undefined;
  if (typeof size === 'string') {
    resolved = INSTANCE_SIZES[size as InstanceSizeName];
    if (!resolved) issues.add(field, size, `must be one of ${INSTANCE_SIZE_NAMES.join(', ')}`);
  } else {
    checkTaskSize(issues, field, size);
    resolved = size;
  }
  issues.throwIfAny('task size');
  return resolved!;
}

/**
 * JVM heap for a task's memory: about three quarters, leaving room for metaspace, threads and
 * the config loader sidecar.
 */
export function jvmHeapMiB(memoryMiB: number): number {
  return Math.max(128, Math.floor(memoryMiB * 0.75));
}
