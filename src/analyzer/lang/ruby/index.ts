import type { Analyzer } from '../../types.js';
import { gemfileLockAnalyzer } from './gemfile-lock.js';
import { gemspecAnalyzer } from './gemspec.js';

export const rubyAnalyzers: Analyzer[] = [gemspecAnalyzer, gemfileLockAnalyzer];
