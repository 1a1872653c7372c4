/**
 * cairn/plugins/drift: data validation, drift checks and model evaluation as cached tasks, and
 * the statistics behind them as pure functions that match scipy and scikit-learn.
 */
export { ksTest, KS_EXACT_MAX_N } from "./stats/KsTest.js";
export type { KsTestResult, KsTestOptions } from "./stats/KsTest.js";
export { chiSquareTest } from "./stats/ChiSquareTest.js";
export type { ChiSquareResult, ChiSquareOptions } from "./stats/ChiSquareTest.js";
export { wasserstein, jensenShannon } from "./stats/Distances.js";
export { psi, psiFromCounts, PSI_EPSILON } from "./stats/Psi.js";
export type { PsiOptions } from "./stats/Psi.js";
export { classificationReport } from "./stats/ClassificationReport.js";
export type { ClassificationReport, AveragedMetric, ConfusionMatrix, Label } from "./stats/ClassificationReport.js";
export { rocAuc } from "./stats/RocAuc.js";
export { StatisticsInputError } from "./stats/StatisticsInputError.js";
