package io.asyncqueue.core;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes job ids on the client, so that a push replayed after a dropped connection is recognised
 * and lands once. 20 characters: 9 of milliseconds (sortable by push time) and 11 of randomness,
 * in base 32 (Crockford's alphabet, lower case).
 */
final class JobIds {

	private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

	private static final long SEED = new SecureRandom().nextLong();

	private JobIds() {
	}

	static String next() {
		char[] id = new char[20];
		long time = System.currentTimeMillis();
		for (int i = 8; i >= 0; i--) {
			id[i] = ALPHABET[(int) (time & 31)];
			time >>>= 5;
		}
		long random = ThreadLocalRandom.current().nextLong() ^ SEED;
		for (int i = 19; i >= 9; i--) {
			id[i] = ALPHABET[(int) (random & 31)];
			random >>>= 5;
		}
		return new String(id);
	}

}
