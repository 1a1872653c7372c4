/** Area under the ROC curve for a binary problem, as scikit-learn's `roc_auc_score`. */
import { StatisticsInputError } from "./StatisticsInputError.js";
import { type Label, sortedLabels } from "./ClassificationReport.js";

/**
 * ROC AUC of `scores` for `yTrue`, whose greater label (sorted like sklearn) is the positive class.
 * Computed as the Mann–Whitney statistic with mid-ranks for tied scores, which equals the
 * trapezoidal area under the ROC curve sklearn integrates.
 *
 * @example
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.75
 */
export const rocAuc = (yTrue: ReadonlyArray<Label>, scores: ArrayLike<number>): number => {
  if (yTrue.length !== scores.length) {
    throw new StatisticsInputError({ function: "rocAuc", problem: `yTrue has ${yTrue.length} labels and scores ${scores.length}; they must align` });
  }
  const labels = sortedLabels(yTrue, "rocAuc");
  if (labels.length !== 2) {
    throw new StatisticsInputError({
      function: "rocAuc",
      problem: `yTrue holds ${labels.length} distinct label(s) (${labels.join(", ")}); ROC AUC is defined for exactly two classes`,
    });
  }
  const positive = labels[1];
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i]!)) throw new StatisticsInputError({ function: "rocAuc", problem: `scores[${i}] is NaN` });
  }
  order.sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPositive = 0;
  let positives = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const midRank = (start + end) / 2 + 1;
    for (let r = start; r <= end; r++) {
      if (yTrue[order[r]!] === positive) {
        rankSumPositive += midRank;
        positives++;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
};
