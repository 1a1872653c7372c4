/**
 * Classification metrics as scikit-learn computes them: accuracy, per-class / macro / weighted
 * precision, recall and F1 (zero_division = 0), and the confusion matrix over the sorted labels.
 */
import { StatisticsInputError } from "./StatisticsInputError.js";

/** A class label: numbers and strings (and booleans) as in sklearn; one kind per call. */
export type Label = number | string | boolean;

/** One averaged metric. `perClass` is keyed by `String(label)`. */
export interface AveragedMetric {
  readonly macro: number;
  /** Weighted by each class's support (its count in yTrue). */
  readonly weighted: number;
  readonly perClass: Readonly<Record<string, number>>;
}

/** The confusion matrix, as sklearn's `confusion_matrix`: rows are true labels, columns predicted, in `labels` order. */
export type ConfusionMatrix = ReadonlyArray<ReadonlyArray<number>>;

/** Result of {@link classificationReport}. */
export interface ClassificationReport {
  readonly accuracy: number;
  readonly precision: AveragedMetric;
  readonly recall: AveragedMetric;
  readonly f1: AveragedMetric;
  /** Support per class (count in yTrue). */
  readonly support: Readonly<Record<string, number>>;
  /** The classes, sorted: the order of the confusion matrix's rows and columns. */
  readonly labels: ReadonlyArray<Label>;
  readonly confusionMatrix: ConfusionMatrix;
}

/** Sorted distinct labels, like numpy's `np.unique`: numeric order for numbers, code-unit order for strings. */
export const sortedLabels = (values: ReadonlyArray<Label>, fn: string): Label[] => {
  const kinds = new Set(values.map((v) => typeof v));
  if (kinds.size > 1) {
    throw new StatisticsInputError({ function: fn, problem: `labels mix ${[...kinds].join(" and ")}; use one type for all labels` });
  }
  const unique = [...new Set(values)];
  return unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
};

const divide = (a: number, b: number): number => (b === 0 ? 0 : a / b);

const average = (perClass: Float64Array, support: Float64Array, labels: ReadonlyArray<Label>): AveragedMetric => {
  let sum = 0;
  let weighted = 0;
  let totalSupport = 0;
  const byLabel: Record<string, number> = {};
  labels.forEach((label, k) => {
    sum += perClass[k]!;
    weighted += perClass[k]! * support[k]!;
    totalSupport += support[k]!;
    byLabel[String(label)] = perClass[k]!;
  });
  return { macro: sum / labels.length, weighted: divide(weighted, totalSupport), perClass: byLabel };
};

/**
 * Accuracy, precision, recall and F1 (macro, weighted, per class) and the confusion matrix.
 *
 * @example
 * const report = classificationReport(["a", "b", "a"], ["a", "a", "a"]);
 * report.f1.weighted; report.confusionMatrix; // [[2, 0], [1, 0]] over report.labels ["a", "b"]
 */
export const classificationReport = (yTrue: ReadonlyArray<Label>, yPred: ReadonlyArray<Label>): ClassificationReport => {
  if (yTrue.length !== yPred.length) {
    throw new StatisticsInputError({ function: "classificationReport", problem: `yTrue has ${yTrue.length} labels and yPred ${yPred.length}; they must align` });
  }
  if (yTrue.length === 0) throw new StatisticsInputError({ function: "classificationReport", problem: "no samples" });
  const labels = sortedLabels([...yTrue, ...yPred], "classificationReport");
  const index = new Map<Label, number>(labels.map((l, i) => [l, i]));
  const k = labels.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]!)!;
    const p = index.get(yPred[i]!)!;
    matrix[t]![p]! += 1;
    if (t === p) correct++;
  }
  const precision = new Float64Array(k);
  const recall = new Float64Array(k);
  const f1 = new Float64Array(k);
  const support = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const tp = matrix[c]![c]!;
    let predicted = 0;
    let actual = 0;
    for (let o = 0; o < k; o++) {
      predicted += matrix[o]![c]!;
      actual += matrix[c]![o]!;
    }
    support[c] = actual;
    precision[c] = divide(tp, predicted);
    recall[c] = divide(tp, actual);
    // sklearn's F-score from the (zero-division-adjusted) precision and recall.
    f1[c] = divide(2 * precision[c]! * recall[c]!, precision[c]! + recall[c]!);
  }
  const supportByLabel: Record<string, number> = {};
  labels.forEach((l, c) => (supportByLabel[String(l)] = support[c]!));
  return {
    accuracy: correct / yTrue.length,
    precision: average(precision, support, labels),
    recall: average(recall, support, labels),
    f1: average(f1, support, labels),
    support: supportByLabel,
    labels,
    confusionMatrix: matrix,
  };
};
