import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { check, findings, testStack } from '../testing/fixtures';

function run(ruleId: string, build: (stack: ReturnType<typeof testStack>['stack']) => void) {
  const { app, stack } = testStack();
  build(stack);
  return findings(check(app), ruleId).map((f) => [
    f.address.split('.')[1]!.split('_')[0],
    f.severity,
    f.message,
  ]);
}

function taskDefinition(
  stack: ReturnType<typeof testStack>['stack'],
  id: string,
  transitEncryption?: string,
) {
  new EcsTaskDefinition(stack, id, {
    family: `automock-x-${id}`,
    containerDefinitions: JSON.stringify([{ name: 'app', image: 'img:1' }]),
    volume: [
      { name: 'scratch' },
      {
        name: 'uploads',
        efsVolumeConfiguration: {
          fileSystemId: 'fs-1',
          ...(transitEncryption !== undefined && { transitEncryption }),
        },
      },
    ],
  });
}

describe('EFS rules', () => {
  test('AM-EFS-1: an unencrypted (or unset) file system is caught; encrypted passes', () => {
    expect(
      run('AM-EFS-1', (stack) => {
        new EfsFileSystem(stack, 'plain', { encrypted: false });
        new EfsFileSystem(stack, 'unset', {});
        new EfsFileSystem(stack, 'ok', { encrypted: true });
      }),
    ).toEqual([
      ['plain', 'error', expect.stringMatching(/encrypted/)],
      ['unset', 'error', expect.stringMatching(/encrypted/)],
    ]);
  });

  test('AM-EFS-2: an EFS volume without transit encryption is caught; ENABLED and plain volumes pass', () => {
    expect(
      run('AM-EFS-2', (stack) => {
        taskDefinition(stack, 'disabled', 'DISABLED');
        taskDefinition(stack, 'unset');
        taskDefinition(stack, 'ok', 'ENABLED');
      }),
    ).toEqual([
      ['disabled', 'error', expect.stringMatching(/volume "uploads".*transit_encryption/)],
      ['unset', 'error', expect.stringMatching(/volume "uploads".*transit_encryption/)],
    ]);
  });
});
