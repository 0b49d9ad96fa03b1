import { scheduleExpressionProblem } from './schedule-expression';

describe('scheduleExpressionProblem', () => {
  it.each([
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(1 day)',
    'rate(7 days)',
    'cron(0 10 * * ? *)',
    'cron(15 12 * * ? *)',
    'cron(0 18 ? * MON-FRI *)',
    'cron(0 8 1 * ? *)',
    'cron(0/15 * * * ? *)',
    'cron(0/10 * ? * MON-FRI *)',
    'cron(0/5 8-17 ? * MON-FRI *)',
    'cron(0 9 ? * 2#1 *)',
    'cron(0 0 L * ? *)',
    'cron(0 0 3W * ? *)',
    'cron(0 0 ? * 6L *)',
    'cron(0 0 ? * L *)',
    'cron(0 0 1 JAN,JUL ? 2027-2030)',
    'cron(30 2 ? * sun *)',
    'at(2027-01-01T09:00:00)',
    'at(2028-02-29T23:59:59)',
  ])('accepts %s', (e) => {
    expect(scheduleExpressionProblem(e)).toBeUndefined();
  });

  // Each refused expression with the documented rule it breaks.
  it.each([
    ['every 5 minutes', /must be rate\(<n> <unit>\), cron\(<6 fields>\) or at/],
    ['rate(0 minutes)', /positive whole number/],
    ['rate(-1 minutes)', /positive whole number/],
    ['rate(1.5 hours)', /positive whole number/],
    ['rate(5 seconds)', /unit seconds must be one of minute, minutes/],
    ['rate(1 minutes)', /singular unit \(minute\)/],
    ['rate(5 minute)', /plural unit \(minutes\)/],
    ['rate(5  minutes)', /one space/],
    ['cron(0 10 * * ?)', /6 fields .* found 5/],
    ['cron(0 10 * * ? * *)', /found 7/],
    ['cron(60 10 * * ? *)', /minutes field 60: 60 is not a value or range of 0-59/],
    ['cron(0 24 * * ? *)', /hours field 24/],
    ['cron(0 0 32 * ? *)', /day-of-month field 32/],
    ['cron(0 0 1 13 ? *)', /month field 13/],
    ['cron(0 0 ? * 8 *)', /day-of-week field 8/],
    ['cron(0 0 1 * ? 1969)', /year field 1969/],
    ['cron(0 10 * * * *)', /one of them must be \?/],
    ['cron(0 10 1 * MON *)', /one of them must be \?/],
    ['cron(0 10 ? * ? *)', /one of them must be \?/],
    ['cron(0 0 ? * 2#1,6#3 *)', /only one such expression/],
    ['cron(0 0 ? * 2#6 *)', /week of the month 1-5/],
    ['cron(0 0 ? * MON/2 *)', /wildcard \/ is not allowed/],
    ['cron(0 0 1 ? * *)', /month field \?: wildcard \? is not allowed/],
    ['cron(0 0 L,15 * ? *)', /L stands alone/],
    ['cron(0 0 32W * ? *)', /W follows one day/],
    ['cron(0 0 ? * 9L *)', /follows one day/],
    ['cron(0/0 * * * ? *)', /positive whole number/],
    ['cron(0 0 1 FOO ? *)', /FOO is not a value or range of 1-12 or JAN-DEC/],
    ['cron(0 0 1 * ? * )x', /must be rate/],
    ['at(2027-02-29T09:00:00)', /does not exist/],
    ['at(2027-01-01 09:00:00)', /yyyy-mm-ddThh:mm:ss/],
    ['at(2027-01-01T09:00:00Z)', /without a zone/],
    ['at(2027-01-01T24:00:00)', /does not exist/],
  ])('refuses %s', (e, rule) => {
    expect(scheduleExpressionProblem(e)).toMatch(rule);
  });
});
