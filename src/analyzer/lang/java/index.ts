import type { Analyzer } from '../../types.js';
import { jarAnalyzer } from './jar.js';

export const javaAnalyzers: Analyzer[] = [jarAnalyzer];
