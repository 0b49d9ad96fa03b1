import { asList } from '../model';
import { errorRule, PolicyRule } from '../rule';

const REPOSITORY = 'aws_ecr_repository';

export const ECR_RULES: readonly PolicyRule[] = [
  errorRule('AM-ECR-1', 'ECR repositories scan images on push', (stack) =>
    stack
      .resources(REPOSITORY)
      .filter(
        (r) => !asList(r.body.image_scanning_configuration).some((c) => c.scan_on_push === true),
      )
      .map((r) => ({
        address: r.address,
        message: 'does not set image_scanning_configuration.scan_on_push to true',
      })),
  ),
  {
    id: 'AM-ECR-2',
    meaning: 'ECR repositories have immutable tags (a deployed tag always names the same image)',
    level: 'warning',
    productionLevel: 'warning',
    check: (stack) =>
      stack
        .resources(REPOSITORY)
        .filter((r) => r.body.image_tag_mutability !== 'IMMUTABLE')
        .map((r) => ({
          address: r.address,
          message: `image_tag_mutability is ${JSON.stringify(r.body.image_tag_mutability ?? 'MUTABLE')}: a pushed tag can be moved to another image`,
        })),
  },
];
