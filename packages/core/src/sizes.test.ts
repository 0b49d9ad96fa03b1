import { INSTANCE_SIZES, isValidFargateSize, jvmHeapMiB, resolveTaskSize } from './sizes';

describe('task sizes', () => {
  it('names four sizes, each doubling the last', () => {
    expect(INSTANCE_SIZES).toEqual({
      small: { cpu: 256, memory: 512 },
      medium: { cpu: 512, memory: 1024 },
      large: { cpu: 1024, memory: 2048 },
      xlarge: { cpu: 2048, memory: 4096 },
    });
    for (const s of Object.values(INSTANCE_SIZES))
      expect(isValidFargateSize(s.cpu, s.memory)).toBe(true);
  });

  it('accepts Fargate combinations and rejects others with the allowed range', () => {
    expect(resolveTaskSize({ cpu: 4096, memory: 30720 })).toEqual({ cpu: 4096, memory: 30720 });
    expect(resolveTaskSize({ cpu: 8192, memory: 20480 })).toEqual({ cpu: 8192, memory: 20480 });
    expect(() => resolveTaskSize({ cpu: 256, memory: 4096 })).toThrow(
      /size\.memory: got 4096, with cpu 256 Fargate allows memory 512, 1024, 2048 MiB/,
    );
    expect(() => resolveTaskSize({ cpu: 1024, memory: 1024 })).toThrow(
      /with cpu 1024 Fargate allows memory 2048 to 8192 in steps of 1024 MiB/,
    );
    expect(() => resolveTaskSize({ cpu: 300, memory: 1024 })).toThrow(
      /size\.cpu: got 300, cpu must be one of 256, 512, 1024/,
    );
    expect(() => resolveTaskSize({ cpu: 8192, memory: 18000 })).toThrow(/steps of 4096/);
  });

  it('rejects unknown size names', () => {
    expect(() => resolveTaskSize('huge' as 'small', 'project.size')).toThrow(
      /project\.size: got "huge", must be one of small, medium, large, xlarge/,
    );
  });

  it('sizes the JVM heap below the task memory', () => {
    expect(jvmHeapMiB(512)).toBe(384);
    expect(jvmHeapMiB(4096)).toBe(3072);
  });
});
