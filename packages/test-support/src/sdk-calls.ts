/**
 * What AWS SDK v3 clients were asked to do, for tests that check each call against something
 * else (an IAM policy, through ./iam): real clients record through their middleware stack,
 * mocked ones (aws-sdk-client-mock) through the mock's own log.
 */

/** One API call. */
export interface SdkCall {
  /** The client's class, e.g. `DynamoDBClient`. */
  readonly client: string;
  /** The operation, e.g. `GetItem`. */
  readonly operation: string;
  /** Its input, as sent. */
  readonly input: Readonly<Record<string, unknown>>;
}

interface RecordableClient {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: { input: object }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** From now on, appends every call `client` sends to `into` (sent, whatever its outcome). */
export function recordCalls(client: RecordableClient, into: SdkCall[]): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      into.push({
        client: context.clientName ?? client.constructor.name,
        operation: (context.commandName ?? 'Unknown').replace(/Command$/, ''),
        input: args.input as Record<string, unknown>,
      });
      return next(args);
    },
    { step: 'initialize', name: 'automockRecordCalls' },
  );
}

interface MockLog {
  calls(): readonly { readonly args: readonly unknown[] }[];
}

/** The calls a mock (aws-sdk-client-mock's `mockClient(client)`) of a `client` class received. */
export function mockedCalls(client: string, mock: MockLog): SdkCall[] {
  return mock.calls().map((c) => {
    const command = c.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
    return {
      client,
      operation: command.constructor.name.replace(/Command$/, ''),
      input: command.input,
    };
  });
}
