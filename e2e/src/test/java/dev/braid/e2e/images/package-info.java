/**
 * The container images, built by {@code deploy/images/build.sh} without a Docker engine and run
 * with podman under the settings their DaemonSet and Deployment give them, so that what the README
 * says about deploying is checked by a test.
 */
package dev.braid.e2e.images;
