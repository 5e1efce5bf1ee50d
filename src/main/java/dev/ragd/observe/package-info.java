/**
 * The observer seam: what happens to a request, told once by the pipeline and the model client,
 * heard by any number of observers composed in {@code App} (the step log, the metrics, the tracer,
 * the status window). Nothing here depends on a logging, metrics or tracing library: the pipeline
 * reports facts, each observer turns them into its own signal.
 */
package dev.ragd.observe;
