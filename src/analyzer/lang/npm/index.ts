import type { Analyzer } from '../../types.js';
import { npmLockAnalyzer } from './package-lock.js';
import { npmPackageJsonAnalyzer } from './package-json.js';

export const npmAnalyzers: Analyzer[] = [npmPackageJsonAnalyzer, npmLockAnalyzer];
