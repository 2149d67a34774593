package io.asyncqueue.sample.flashsale;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * A row of the {@code orders} table.
 *
 * @param id the order's number
 * @param jobId the job that created it
 * @param itemId the item
 * @param userId the buyer
 * @param amount what the buyer pays
 * @param channel {@code seckill} or {@code limit-queue}
 * @param attempt the job's attempt that created it
 * @param requestedAt when the purchase was accepted
 * @param createdAt when the order was written
 */
public record Order(long id, String jobId, String itemId, String userId, BigDecimal amount, String channel,
		int attempt, OffsetDateTime requestedAt, OffsetDateTime createdAt) {

	/** The order was created by the flash sale's {@link CreateOrderJob}. */
	public static final String SECKILL = "seckill";

	/** The order was created by seed 000's serial {@link LimitQueueOrderJob}. */
	public static final String LIMIT_QUEUE = "limit-queue";

}
