/**
 * Build-time tools for the API module: finishing the generated CRDs and keeping the committed
 * copies in step.
 */
package dev.braid.api.build;
