import type { Analyzer } from '../../types.js';
import { goBinaryAnalyzer } from './binary.js';
import { goModAnalyzer } from './gomod.js';

export const goAnalyzers: Analyzer[] = [goBinaryAnalyzer, goModAnalyzer];
