package io.asyncqueue.core.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

@EmbeddedRedis
class ExactUtf8CodecTest {

	private static final List<String> SAMPLES = List.of("", "ack", "1m80abc-17", "héllo wörld", "商品 ✓ 在庫",
			"emoji 😀 and 🇫🇷", "unpaired \uD83D high", "unpaired \uDE00 low", "ends high \uD83D",
			"{\"job\":\"n\",\"payload\":{\"text\":\"<script>\"}}", "x".repeat(70_000) + "é😀".repeat(5_000));

	@Test
	void theSizeItAnnouncesIsExactlyWhatItWrites() {
		for (String sample : SAMPLES) {
			ByteBuf buffer = Unpooled.buffer();
			ExactUtf8Codec.INSTANCE.encodeValue(sample, buffer);
			assertThat(ExactUtf8Codec.INSTANCE.estimateSize(sample)).as(abbreviated(sample))
				.isEqualTo(buffer.readableBytes());
			buffer.release();
		}
	}

	@Test
	void redisStoresWhatLettucesOwnUtf8CodecWouldHaveSent(RedisServer server) {
		RedisClient client = RedisClient.create(RedisURI.create(server.uri()));
		try (StatefulRedisConnection<String, String> exact = client.connect(ExactUtf8Codec.INSTANCE);
				StatefulRedisConnection<String, String> plain = client.connect(StringCodec.UTF8)) {
			for (int i = 0; i < SAMPLES.size(); i++) {
				String sample = SAMPLES.get(i);
				exact.sync().set("exact-utf8-codec:" + i, sample);
				exact.sync().eval("return redis.call('SET', KEYS[1], ARGV[1])", io.lettuce.core.ScriptOutputType.STATUS,
						new String[] { "exact-utf8-codec:eval:" + i }, sample);
				String expected = new String(sample.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
				assertThat(plain.sync().get("exact-utf8-codec:" + i)).as(abbreviated(sample)).isEqualTo(expected);
				assertThat(plain.sync().get("exact-utf8-codec:eval:" + i)).as(abbreviated(sample)).isEqualTo(expected);
				assertThat(exact.sync().get("exact-utf8-codec:" + i)).as(abbreviated(sample)).isEqualTo(expected);
			}
		}
		finally {
			client.shutdown();
		}
	}

	private static String abbreviated(String sample) {
		return (sample.length() > 40) ? sample.substring(0, 40) + "… (" + sample.length() + " chars)" : sample;
	}

}
