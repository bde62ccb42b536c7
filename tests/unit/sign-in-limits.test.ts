/** Sign-in attempt limits kept in memory (the embedded server's), against the shared contract. */
import { memorySignInLimits } from '../../server/auth/sign-in-limits';
import { describeSignInLimits } from '../support/sign-in-limits-contract';

describeSignInLimits('memory', (rules) => memorySignInLimits(rules));
