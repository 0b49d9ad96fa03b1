import { Aspects, TerraformResource, Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { StandardTagsAspect, standardTags, TAG_ENV, TAG_PROJECT } from './tags';

// A minimal taggable resource, so core's tests need no provider package.
class FakeResource extends TerraformResource {
  private _tags?: Record<string, string>;
  constructor(scope: Construct, id: string, tags?: Record<string, string>) {
    super(scope, id, { terraformResourceType: 'fake_thing' });
    this._tags = tags;
  }
  get tagsInput() {
    return this._tags;
  }
  set tags(v: Record<string, string>) {
    this._tags = v;
  }
  protected override synthesizeAttributes() {
    return { tags: this._tags };
  }
}

describe('standard tags', () => {
  it('always carries the teardown keys, which configuration cannot override', () => {
    expect(standardTags('dev', 'petstore', { [TAG_ENV]: 'prod', Team: 'qa' })).toEqual({
      Team: 'qa',
      Project: 'petstore',
      Environment: 'dev',
      ManagedBy: 'automock-cdktf',
      [TAG_ENV]: 'dev',
      [TAG_PROJECT]: 'petstore',
    });
  });

  it('the aspect tags every taggable resource and keeps its own tags', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    new FakeResource(stack, 'a');
    new FakeResource(stack, 'b', { Name: 'bee', [TAG_PROJECT]: 'other' });
    Aspects.of(stack).add(new StandardTagsAspect(standardTags('dev', 'petstore')));
    const json = JSON.parse(Testing.synth(stack));
    expect(json.resource.fake_thing.a.tags).toMatchObject({
      [TAG_ENV]: 'dev',
      [TAG_PROJECT]: 'petstore',
      ManagedBy: 'automock-cdktf',
    });
    expect(json.resource.fake_thing.b.tags).toMatchObject({
      Name: 'bee',
      [TAG_PROJECT]: 'petstore',
    });
  });
});
