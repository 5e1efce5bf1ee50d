/**
 * The analysis half of {@code ragd loadtest}: pure functions from measured steps to a report folder,
 * no processes started. The orchestration (starting the mock and ragd, running Locust per step,
 * scraping) feeds it:
 *
 * <ol>
 *   <li>per step and replica, the {@code /metrics} scrapes at its start, during it and at its end →
 *       {@link dev.ragd.ops.loadtest.PrometheusText#parse} → {@link dev.ragd.ops.loadtest.MetricsDelta#of}
 *       → {@link dev.ragd.ops.loadtest.StepMetrics#from}, replicas joined with
 *       {@link dev.ragd.ops.loadtest.StepMetrics#combine};</li>
 *   <li>Locust's numbers for the step plus the process's CPU (cores) and RSS →
 *       {@link dev.ragd.ops.loadtest.StepResult};</li>
 *   <li>{@link dev.ragd.ops.loadtest.LoadTestReport#write} → {@code steps.csv}
 *       ({@link dev.ragd.ops.loadtest.StepsCsv}), {@code steps-upstream.csv}, {@code report.html}
 *       ({@link dev.ragd.ops.loadtest.ReportHtml}), the {@link dev.ragd.ops.loadtest.Knee} and the
 *       {@link dev.ragd.ops.loadtest.Diagnosis}; print {@link dev.ragd.ops.loadtest.LoadTestReport#lines()},
 *       whose last line is {@code knee_users=<n> p95_ttft_ms=<x> errors=<share>}.</li>
 * </ol>
 */
package dev.ragd.ops.loadtest;
