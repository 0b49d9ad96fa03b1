// How a stack is constructed, as plain data: what a worker thread receives to build a stack of
// the main thread's plan. No cdktf here; the stack classes come from the builder that builds it.
import type { App } from 'cdktf';
import type { AutomockStack } from '../automock-stack';
import type { StackKind } from '../stack-kinds';
import type { StackClasses } from './stack-builder';

/** A stack's kind, name and construction props (plain data: it crosses to worker threads). */
export interface StackRecipe {
  readonly kind: StackKind;
  readonly name: string;
  /** The props its class is constructed with. */
  readonly props: object;
}

/** Adds the recipe's stack to `app`, made with the given classes. */
export function buildOf(recipe: StackRecipe): (app: App, classes: StackClasses) => AutomockStack {
  const { kind, name, props } = recipe;
  if (kind === 'bootstrap')
    return (app, classes) =>
      new (classes.bootstrap())(
        app,
        name,
        props as ConstructorParameters<ReturnType<StackClasses['bootstrap']>>[2],
      );
  return (app, classes) => {
    // The props were made for this kind by the spec functions of synthesize-stacks.ts.
    const Stack = classes[kind]() as unknown as new (app: App, props: object) => AutomockStack;
    return new Stack(app, props);
  };
}
