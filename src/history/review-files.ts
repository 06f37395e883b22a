import { htmlPage } from './html.js';
import { reviewCharts } from './review-charts.js';
import { renderReviewCsvs } from './review-csv.js';
import { ownerFileNames, renderOwnerHtml } from './review-html-owner.js';
import { renderReviewHtml } from './review-html.js';
import { renderReviewMarkdown } from './review-md.js';
import { renderOwnerMarkdown } from './review-owners.js';
import type { Review } from './review.js';

/**
 * Every file of a review folder but review.pdf, by relative path: review.html, review.md, the
 * per-owner files, CSVs and SVG charts. Pure, so the same history gives the same bytes.
 */
export function reviewFiles(review: Review): Record<string, string> {
  const charts = reviewCharts(review);
  const files: Record<string, string> = { 'review.html': renderReviewHtml(review, charts), 'review.md': renderReviewMarkdown(review), ...renderReviewCsvs(review), ...charts };
  for (const [owner, name] of ownerFileNames(review)) {
    files[`owners/${name}.html`] = htmlPage(`${owner} — security review ${review.window.label}`, renderOwnerHtml(review, owner, 'h1'));
    files[`owners/${name}.md`] = renderOwnerMarkdown(review, owner);
  }
  return files;
}
