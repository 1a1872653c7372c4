/**
 * cairn/plugins/drift: data validation, drift checks and model evaluation as cached tasks, and
 * the statistics behind them as pure functions that match scipy and scikit-learn.
 *
 * @example
 * import { validate, driftCheck, compareToBaseline, ksTest } from "cairn/plugins/drift";
 */
// Pure statistics (the pinned interface).
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
export { kolmogorovSurvival, smirnovSurvival } from "./stats/KolmogorovDistribution.js";
export { chiSquareSurvival } from "./stats/SpecialFunctions.js";
export { StatisticsInputError } from "./stats/StatisticsInputError.js";

// Data loading.
export { readCsv } from "./data/ReadCsv.js";
export type { CsvOptions } from "./data/ReadCsv.js";
export { readJsonLines, datasetFromRecords } from "./data/ReadRecords.js";
export type { RecordOptions } from "./data/ReadRecords.js";
export { loadFile, loadData } from "./data/LoadDataset.js";
export type { LoadOptions } from "./data/LoadDataset.js";
export type { TypingOptions } from "./data/DatasetBuilder.js";
export { DEFAULT_MISSING } from "./data/ColumnBuilder.js";
export { columnNamed, presentNumbers, categoryCounts } from "./data/Dataset.js";
export type { Dataset, Column, ColumnType, NumberColumn, BooleanColumn, StringColumn, InvalidValues } from "./data/Dataset.js";
export { DataFormatError, InvalidValuesError, EmptyDatasetError, DataSourceError, SchemaMismatchError } from "./data/DataErrors.js";

// Validation.
export { validate } from "./tasks/Validate.js";
export type { ValidateOptions, ValidationReport } from "./tasks/Validate.js";
export { checkDataset } from "./validate/CheckDataset.js";
export type { Violation } from "./validate/CheckDataset.js";
export type { Schema, ColumnRule, RowRule, ColumnPolicy } from "./validate/Schema.js";
export { ValidationConfigError, ValidationFailedError } from "./validate/ValidationErrors.js";

// Drift.
export { driftCheck } from "./tasks/DriftCheck.js";
export type { DriftCheckOptions } from "./tasks/DriftCheck.js";
export { computeDrift } from "./drift/ComputeDrift.js";
export type { DriftReport, FeatureDrift, DriftSettingsInput } from "./drift/ComputeDrift.js";
export { DEFAULT_THRESHOLDS, AUTO_TEST_MAX_ROWS, DEFAULT_DRIFT_SHARE, adjustPValues } from "./drift/DriftSettings.js";
export type { NumericTest, CategoricalTest, DriftTest, DriftThresholds } from "./drift/DriftSettings.js";
export { renderDriftHtml } from "./drift/HtmlReport.js";
export { terminalTable } from "./drift/TerminalTable.js";
export { DriftDetectedError, DriftConfigError } from "./drift/DriftErrors.js";

// Model evaluation against a baseline.
export { compareToBaseline, ModelDegradedError } from "./tasks/CompareToBaseline.js";
export type { CompareToBaselineOptions } from "./tasks/CompareToBaseline.js";
export { compareMetrics, flattenMetrics, BaselineComparisonError, DEFAULT_MAX_DROP } from "./baseline/CompareMetrics.js";
export type { BaselineReport, MetricComparison, CompareOptions } from "./baseline/CompareMetrics.js";
