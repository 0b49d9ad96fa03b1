import Ajv from 'ajv';
import { defineEnvironment } from '../environment';
import { ConfigValidationError, IssueCollector } from '../errors';
import {
  EFS_TRANSITION_TO_IA,
  type FileAccessPointInput,
  type FileSystemInput,
  filesSection,
  type ResolvedFileSystem,
} from './files';
import type { ResolvedService, ServiceMountInput } from './services';
import { defineWorkload } from './workload';

const DEV = defineEnvironment({ name: 'dev', accountId: '123456789012', region: 'eu-west-1' });
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(filesSection.schema);

function run(input: FileSystemInput[]): {
  resolved?: readonly ResolvedFileSystem[];
  issues: { field: string; value: unknown; rule: string }[];
} {
  expect([validate(input), validate.errors]).toEqual([true, null]);
  const issues = new IssueCollector();
  const resolved = filesSection.resolve(input, {
    env: DEV,
    workload: 'shop',
    issues,
    field: 'workload[dev/shop].files',
    declared: () => false,
  });
  return { resolved, issues: [...issues.issues] };
}

function problems(fn: () => unknown): { field: string; value: unknown; rule: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigValidationError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a ConfigValidationError');
}

const UPLOADS: FileSystemInput = {
  name: 'uploads',
  accessPoints: [{ name: 'app', path: '/uploads', uid: 1001, gid: 1001 }],
};

function workload(mounts: ServiceMountInput[], files: FileSystemInput[] = [UPLOADS]) {
  return defineWorkload(
    {
      name: 'shop',
      environments: ['dev'],
      files,
      services: [{ name: 'backend', image: 'nginx:1.27', mounts }],
    },
    DEV,
  );
}

describe('the files section', () => {
  test('its schema names exactly the input type keys, each with a description', () => {
    const fs: Required<FileSystemInput> = {
      name: 'a',
      transitionToIa: 'AFTER_30_DAYS',
      backToStandardOnAccess: true,
      accessPoints: [],
    };
    const ap: Required<FileAccessPointInput> = {
      name: 'a',
      path: '/a',
      uid: 0,
      gid: 0,
      permissions: '0755',
    };
    const items = filesSection.schema.items as {
      properties: Record<string, { description?: string; items?: { properties: object } }>;
    };
    expect(Object.keys(items.properties).sort()).toEqual(Object.keys(fs).sort());
    const apProps = items.properties.accessPoints!.items!.properties as Record<
      string,
      { description?: string }
    >;
    expect(Object.keys(apProps).sort()).toEqual(Object.keys(ap).sort());
    for (const p of [...Object.values(items.properties), ...Object.values(apProps)])
      expect(p.description).toBeTruthy();
  });

  test('fills in the defaults: 30-day Infrequent Access, back on access, uid/gid 1000, 0755', () => {
    const { resolved } = run([{ name: 'uploads', accessPoints: [{ name: 'app', path: '/up' }] }]);
    expect(resolved).toEqual([
      {
        name: 'uploads',
        creationToken: 'automock-dev-shop-files-uploads',
        securityGroupName: 'automock-dev-shop-files-uploads',
        transitionToIa: 'AFTER_30_DAYS',
        backToStandardOnAccess: true,
        accessPoints: [{ name: 'app', path: '/up', uid: 1000, gid: 1000, permissions: '0755' }],
      },
    ]);
  });

  test('never leaves the transition out', () => {
    expect(run([{ name: 'a', transitionToIa: 'never' }]).resolved![0]!.transitionToIa).toBe(
      undefined,
    );
  });

  test('accepts exactly the Infrequent Access transitions EFS accepts', () => {
    for (const t of EFS_TRANSITION_TO_IA)
      expect(validate([{ name: 'a', transitionToIa: t }])).toBe(true);
    expect(validate([{ name: 'a', transitionToIa: 'AFTER_2_DAYS' }])).toBe(false);
  });

  test('refuses a relative path, a POSIX id out of range and a non-octal mode', () => {
    expect(validate([{ name: 'a', accessPoints: [{ name: 'b', path: 'up' }] }])).toBe(false);
    expect(validate([{ name: 'a', accessPoints: [{ name: 'b', path: '/' }] }])).toBe(false);
    expect(validate([{ name: 'a', accessPoints: [{ name: 'b', path: '/u', uid: -1 }] }])).toBe(
      false,
    );
    expect(
      validate([{ name: 'a', accessPoints: [{ name: 'b', path: '/u', permissions: '0789' }] }]),
    ).toBe(false);
  });

  test('reports a duplicate access point as field/value/rule', () => {
    const ap = { name: 'app', path: '/u' };
    expect(run([{ name: 'a', accessPoints: [ap, ap] }]).issues).toEqual([
      {
        field: 'workload[dev/shop].files[0].accessPoints[1].name',
        value: 'app',
        rule: 'must be unique in file system a',
      },
    ]);
  });

  test('declares the file systems and their access points', () => {
    expect(filesSection.declares!([UPLOADS], 'f')).toEqual([
      { kind: 'fileSystem', name: 'uploads', field: 'f[0].name' },
      { kind: 'fileSystemAccessPoint', name: 'uploads/app', field: 'f[0].accessPoints[0].name' },
    ]);
  });
});

describe("services' mounts", () => {
  test('resolve with readOnly false by default', () => {
    const w = workload([{ fileSystem: 'uploads', accessPoint: 'app', path: '/app/uploads' }]);
    const [backend] = w.sections.services as readonly ResolvedService[];
    expect(backend!.mounts).toEqual([
      { fileSystem: 'uploads', accessPoint: 'app', path: '/app/uploads', readOnly: false },
    ]);
  });

  test('a mount naming an unknown file system is a field/value/rule error', () => {
    expect(problems(() => workload([{ fileSystem: 'photos', path: '/p' }]))).toEqual([
      {
        field: 'workload[dev/shop].services[0].mounts[0].fileSystem',
        value: 'photos',
        rule: "must name a file system of the workload's files section",
      },
    ]);
  });

  test('a mount naming an unknown access point is a field/value/rule error', () => {
    expect(
      problems(() => workload([{ fileSystem: 'uploads', accessPoint: 'other', path: '/p' }])),
    ).toEqual([
      {
        field: 'workload[dev/shop].services[0].mounts[0].accessPoint',
        value: 'other',
        rule: 'must name an access point of file system uploads',
      },
    ]);
  });

  test('two mounts on one path are an error', () => {
    expect(
      problems(() =>
        workload([
          { fileSystem: 'uploads', path: '/p' },
          { fileSystem: 'uploads', accessPoint: 'app', path: '/p' },
        ]),
      ),
    ).toEqual([
      {
        field: 'workload[dev/shop].services[0].mounts[1].path',
        value: '/p',
        rule: 'must be unique in the service',
      },
    ]);
  });
});
