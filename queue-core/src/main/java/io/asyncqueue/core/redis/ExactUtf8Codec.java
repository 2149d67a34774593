package io.asyncqueue.core.redis;

import java.nio.charset.StandardCharsets;

import io.lettuce.core.codec.StringCodec;
import io.netty.buffer.ByteBufUtil;

/**
 * Lettuce's UTF-8 string codec, with the exact encoded size of every argument computed up front.
 *
 * <p>Why: for a charset whose size it can only estimate, Lettuce encodes each argument into a temporary pooled
 * direct buffer and then copies it into the command's buffer — an allocation, a copy and a release per
 * argument, and one allocation in 128 also records a stack trace for Netty's leak detector. In a drain
 * profile that was a third of the I/O thread's encoding time. With the exact size known Lettuce writes the
 * length header and the bytes straight into the command's buffer. {@link ByteBufUtil#utf8Bytes} counts
 * exactly what {@link ByteBufUtil#writeUtf8}, which {@link StringCodec} writes with, produces.
 */
final class ExactUtf8Codec extends StringCodec {

	static final ExactUtf8Codec INSTANCE = new ExactUtf8Codec();

	private ExactUtf8Codec() {
		super(StandardCharsets.UTF_8);
	}

	@Override
	public int estimateSize(Object keyOrValue) {
		return (keyOrValue instanceof CharSequence text) ? ByteBufUtil.utf8Bytes(text) : 0;
	}

	@Override
	public boolean isEstimateExact() {
		return true;
	}

}
