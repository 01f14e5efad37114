import type { Analyzer } from '../../types.js';
import { pythonMetadataAnalyzer } from './metadata.js';
import { pipfileLockAnalyzer } from './pipfile-lock.js';
import { poetryLockAnalyzer } from './poetry-lock.js';
import { pythonRequirementsAnalyzer } from './requirements.js';

export const pythonAnalyzers: Analyzer[] = [
  pythonMetadataAnalyzer,
  pythonRequirementsAnalyzer,
  poetryLockAnalyzer,
  pipfileLockAnalyzer,
];
