import { crashStormTest } from './crash-storm-cases.js';

crashStormTest('runpod');
