import type { Analyzer } from '../../types.js';
import { goBinaryAnalyzer } from './binary.js';

export const goAnalyzers: Analyzer[] = [goBinaryAnalyzer];
