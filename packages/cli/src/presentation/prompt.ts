/**
 * Questions to the person at the terminal. Only asked when both stdin and stdout are terminals;
 * commands check {@link interactive} first and otherwise require flags.
 */
export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env.CI;
}

/** Asks one question on stderr; returns the trimmed answer, or `fallback` for an empty one. */
export async function ask(question: string, fallback = ''): Promise<string> {
  process.stderr.write(`${question}${fallback ? ` [${fallback}]` : ''}: `);
  const answer = (await readLine(process.stdin)).trim();
  return answer || fallback;
}

/**
 * One line from `input`. What arrived after the newline is pushed back, so answers typed (or
 * piped) ahead of their questions are not lost between questions.
 */
function readLine(input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const cleanup = () => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
    };
    const onData = (chunk: Buffer | string) => {
      buf += chunk.toString();
      const i = buf.indexOf('\n');
      if (i < 0) return;
      cleanup();
      const rest = buf.slice(i + 1);
      if (rest) input.unshift(Buffer.from(rest));
      resolve(buf.slice(0, i).replace(/\r$/, ''));
    };
    const onEnd = () => {
      cleanup();
      resolve(buf);
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}

/** Yes/no question; an empty answer takes `defaultYes`. */
export async function confirm(question: string, defaultYes = false): Promise<boolean> {
  const answer = (await ask(`${question} ${defaultYes ? '(Y/n)' : '(y/N)'}`)).toLowerCase();
  if (!answer) return defaultYes;
  return answer === 'y' || answer === 'yes';
}

/** Asks until the answer is one of `choices` (by name or 1-based number). */
export async function choose(
  question: string,
  choices: readonly string[],
  fallback: string,
): Promise<string> {
  for (;;) {
    const listed = choices.map((c, i) => `${i + 1}) ${c}`).join('  ');
    const a = await ask(`${question} ${listed}`, fallback);
    const n = Number(a);
    if (Number.isInteger(n) && n >= 1 && n <= choices.length) return choices[n - 1]!;
    if (choices.includes(a)) return a;
    process.stderr.write(`  Please answer one of ${choices.join(', ')}\n`);
  }
}
