/**
 * Schema annotations the fabric8 CRD generator cannot express, applied by the build when it
 * finishes the generated CRDs.
 */
package dev.braid.api.schema;
