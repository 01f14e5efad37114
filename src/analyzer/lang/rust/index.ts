import type { Analyzer } from '../../types.js';
import { cargoLockAnalyzer } from './cargo-lock.js';

export const rustAnalyzers: Analyzer[] = [cargoLockAnalyzer];
