package io.asyncqueue.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.scripts.QueueScripts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * While Redis does not answer with the connection still open, pushes wait in the client for the call in
 * flight; beyond a bound they are refused at once rather than piling up in memory.
 */
class PushBoundTest extends RedisTestSupport {

	@Test
	void pushesBeyondTheBoundAreRefusedAtOnceWhileRedisDoesNotAnswer() throws Exception {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		client.push(this.queue, "n", 0);
		List<PushRequest> chunk = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			chunk.add(PushRequest.of("n", i));
		}
		List<CompletableFuture<List<PushResult>>> accepted = new ArrayList<>();
		// scripts may write, so CLIENT PAUSE WRITE holds every push call while the connection stays open
		redisCommands().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(5000).add("WRITE"));
		try {
			accepted.add(client.pushAllAsync(this.queue, List.of(PushRequest.of("n", -1))));
			for (int i = 0; i < QueueScripts.MAX_WAITING_PUSHES / chunk.size(); i++) {
				accepted.add(client.pushAllAsync(this.queue, chunk));
			}
			Thread.sleep(200);
			long before = System.nanoTime();
			assertThatExceptionOfType(QueueException.class).isThrownBy(() -> client.push(this.queue, "n", 1))
				.withMessageStartingWith(QueueScripts.MAX_WAITING_PUSHES + " pushes already waiting for Redis, "
						+ "which has not answered for ")
				.withMessageContaining("refused at once rather than held in memory");
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).as("at once").isLessThan(1000);
			assertThat(accepted).noneMatch(CompletableFuture::isDone);
		}
		finally {
			redisCommands().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
					new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE"));
		}
		for (CompletableFuture<List<PushResult>> push : accepted) {
			assertThat(push.get(10, TimeUnit.SECONDS)).allMatch(PushResult::created);
		}
		assertThat(client.push(this.queue, "n", 2).created()).as("accepted again once Redis answers").isTrue();
		assertThat(operations(settings).counts(this.queue).waiting()).isEqualTo(QueueScripts.MAX_WAITING_PUSHES + 3);
	}

}
