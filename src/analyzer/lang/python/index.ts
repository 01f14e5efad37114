import type { Analyzer } from '../../types.js';
import { pythonMetadataAnalyzer } from './metadata.js';
import { pythonRequirementsAnalyzer } from './requirements.js';

export const pythonAnalyzers: Analyzer[] = [pythonMetadataAnalyzer, pythonRequirementsAnalyzer];
