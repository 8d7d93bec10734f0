import { crashStormTest } from './crash-storm-cases.js';

crashStormTest('lambda-labs');
