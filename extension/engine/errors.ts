/**
 * The rules cannot be compiled: something validation would have caught (a bad regular
 * expression, an unknown stage in a commitment, a bad duration or calendar, a malformed
 * condition). The message is one line and starts with where in the bundle the problem is.
 */
export class RulesError extends Error {
  override name = 'RulesError';
}
