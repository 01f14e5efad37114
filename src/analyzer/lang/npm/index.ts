import type { Analyzer } from '../../types.js';
import { npmLockAnalyzer } from './package-lock.js';
import { npmPackageJsonAnalyzer } from './package-json.js';
import { pnpmLockAnalyzer } from './pnpm-lock.js';
import { yarnLockAnalyzer } from './yarn-lock.js';

export const npmAnalyzers: Analyzer[] = [npmPackageJsonAnalyzer, npmLockAnalyzer, yarnLockAnalyzer, pnpmLockAnalyzer];
