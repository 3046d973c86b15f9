/**
 * Every test runs with states frozen (see `freezeStates`): code that writes to a state the domain
 * handed out throws here, instead of corrupting a cached state in production, where freezing is off.
 */
import { freezeStates } from '../../src/domain/state-writer.js';

freezeStates(true);
