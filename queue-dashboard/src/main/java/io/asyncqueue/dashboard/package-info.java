/**
 * The web dashboard: server-rendered pages, a small JSON endpoint its script polls, and the operator's
 * actions, all under one path of the application.
 */
@NullMarked
package io.asyncqueue.dashboard;

import org.jspecify.annotations.NullMarked;
