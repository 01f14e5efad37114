import type { Analyzer } from '../../types.js';
import { composerInstalledAnalyzer, composerLockAnalyzer } from './composer.js';

export const phpAnalyzers: Analyzer[] = [composerInstalledAnalyzer, composerLockAnalyzer];
