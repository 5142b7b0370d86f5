/**
 * Benchmarks: JMH micro-benchmarks of the media hot path ({@code ./passerelle bench jmh}) and the
 * load harness that drives a gateway process with SIP calls ({@code ./passerelle bench load}).
 * Programs that print figures; nothing here asserts a timing. See BENCHMARKS.md at the repo root.
 */
package org.passerelle.tests.bench;
