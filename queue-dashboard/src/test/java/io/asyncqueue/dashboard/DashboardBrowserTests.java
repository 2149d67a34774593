package io.asyncqueue.dashboard;

import java.time.Duration;
import java.util.List;

import io.asyncqueue.core.schedule.ScheduleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;


import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real headless Chromium, against the real application and a real redis-server: the pages
 * load without console errors, the charts draw the workers' history, the actions act, nothing injected runs,
 * and a visitor who has not signed in sees nothing. Screenshots go to {@code target/screenshots}.
 */
class DashboardBrowserTests extends DashboardTestSupport {

	private static Browser browser;

	@BeforeAll
	static void startBrowser() throws Exception {
		browser = Browser.start();
	}

	@AfterAll
	static void stopBrowser() throws Exception {
		if (browser != null) {
			browser.close();
		}
	}

	@BeforeEach
	void signIn() {
		open("/async-queue");
		if (browser.driver.getCurrentUrl().endsWith("/login")) {
			browser.driver.findElement(By.name("username")).sendKeys("operator");
			browser.driver.findElement(By.name("password")).sendKeys("secret");
			browser.driver.findElement(By.cssSelector("#login button")).click();
			waitFor(() -> !browser.driver.getCurrentUrl().contains("/login"));
		}
		browser.consoleErrors();
	}

	@AfterEach
	void restore() {
		this.recorder.broken.set(false);
		this.operations.resume("orders");
		this.schedules.resume("orders", "yearly-report");
		this.operations.clearLimits("emails");
	}

	@Test
	void everyPageLoadsWithoutConsoleErrorsAndTheChartsDrawTheHistory() {
		List<String> ids = List.of(push("order-1"), push("order-2"), push("order-3"), push("order-4"));
		String failed = push("fail-1");
		await().atMost(Duration.ofSeconds(20)).until(() -> this.recorder.handled.containsAll(ids)
				&& this.operations.counts("orders").failed() >= 1);

		open("/async-queue");
		waitFor(() -> number("return window.asyncQueueDashboard.polls") > 0);
		assertThat(number("return window.asyncQueueDashboard.charts['chart-hour'].data[1].reduce((a, b) => a + b, 0)"))
			.isGreaterThanOrEqualTo(4);
		assertThat(number("return window.asyncQueueDashboard.charts['chart-hour'].data[2].reduce((a, b) => a + b, 0)"))
			.isGreaterThanOrEqualTo(1);
		assertThat(number("return window.asyncQueueDashboard.charts['chart-day'].data[1].reduce((a, b) => a + b, 0)"))
			.isGreaterThanOrEqualTo(4);
		assertThat(browser.driver.findElements(By.cssSelector("#chart-hour canvas"))).isNotEmpty();
		assertThat(browser.driver.findElements(By.cssSelector("#chart-day canvas"))).isNotEmpty();
		assertThat(browser.driver.findElement(By.id("queues")).getText()).contains("orders", "emails");
		assertNoConsoleErrors("overview");

		open("/async-queue/queues/orders");
		waitFor(() -> number("return window.asyncQueueDashboard.polls") > 0);
		assertThat(browser.driver.findElement(By.tagName("main")).getText()).contains("max-attempts", "create-order");
		assertNoConsoleErrors("queue");

		open("/async-queue/queues/orders/failed");
		assertThat(browser.driver.findElement(By.id("parked")).getText()).contains(failed, "Could not create order");
		assertNoConsoleErrors("failed");

		open("/async-queue/queues/orders/jobs/" + failed);
		assertThat(browser.driver.findElement(By.id("job-state")).getText()).isEqualTo("failed");
		assertThat(browser.driver.findElement(By.id("error")).getText()).contains("IllegalStateException");
		assertNoConsoleErrors("job");

		open("/async-queue/instances");
		waitFor(() -> {
			browser.driver.navigate().refresh();
			return browser.driver.findElement(By.id("instances")).getText().contains("orders");
		});
		assertThat(browser.driver.findElement(By.id("instances")).getText())
			.contains(String.valueOf(ProcessHandle.current().pid()));
		assertNoConsoleErrors("instances");
	}

	@Test
	void retryOnAFailedJobMakesItRun() {
		this.recorder.broken.set(true);
		String id = push("order-retried");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.operations.failedJobs("orders", 0, 100).stream().anyMatch((job) -> job.id().equals(id)));
		this.recorder.broken.set(false);

		open("/async-queue/queues/orders/jobs/" + id);
		browser.driver.findElement(By.id("retry")).click();
		waitFor(() -> browser.driver.findElements(By.id("done")).size() == 1);
		assertThat(browser.driver.findElement(By.id("done")).getText()).contains("1 moved back to waiting");
		await().atMost(Duration.ofSeconds(20)).until(() -> this.recorder.handled.contains(id));
		assertNoConsoleErrors("retried");
	}

	@Test
	void pauseShowsPausedAndStopsConsumption() throws Exception {
		open("/async-queue/queues/orders");
		browser.driver.findElement(By.id("toggle-pause")).click();
		waitFor(() -> browser.driver.findElement(By.id("state")).getText().contains("paused"));
		assertThat(this.operations.isPaused("orders")).isTrue();
		// consumers look at the switch within about a second of their last fetch
		Thread.sleep(2000);
		String id = push("order-while-paused");
		Thread.sleep(3000);
		assertThat(this.recorder.handled).doesNotContain(id);
		waitFor(() -> text("[data-queue='orders'] [data-count='waiting']").equals("1"));
		browser.screenshot("paused");

		browser.driver.findElement(By.id("toggle-pause")).click();
		waitFor(() -> browser.driver.findElement(By.id("state")).getText().contains("running"));
		await().atMost(Duration.ofSeconds(20)).until(() -> this.recorder.handled.contains(id));
		assertNoConsoleErrors("resumed");
	}

	@Test
	void aQueuePageShowsItsScheduleAndTriggerNowPushesItsJob() {
		long triggeredBefore = this.schedules.schedule("orders", "yearly-report").triggered();
		open("/async-queue/queues/orders");
		String row = text("[data-schedule='yearly-report']");
		assertThat(row).contains("yearly-report", "create-order", "active");
		assertThat(row).contains(this.schedules.schedule("orders", "yearly-report").spec());

		browser.driver.findElement(By.cssSelector("[data-schedule='yearly-report'] [data-action='trigger-schedule']"))
			.click();
		waitFor(() -> browser.driver.findElements(By.id("done")).size() == 1);
		assertThat(browser.driver.findElement(By.id("done")).getText()).contains("schedule yearly-report triggered");
		// an instance's scheduler pushes the job within about a second, and the consumer runs it
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			ScheduleState state = this.schedules.schedule("orders", "yearly-report");
			return state.triggered() > triggeredBefore && this.recorder.handled.contains(state.lastJobId());
		});

		browser.driver.findElement(By.cssSelector("[data-schedule='yearly-report'] [data-action='toggle-schedule']"))
			.click();
		waitFor(() -> text("[data-schedule='yearly-report'] [data-schedule-state]").contains("paused"));
		assertThat(this.schedules.schedule("orders", "yearly-report").paused()).isTrue();
		browser.driver.executeScript("document.getElementById('limits').scrollIntoView()");
		assertNoConsoleErrors("schedules");
	}

	@Test
	void aQueuePageShowsItsLimitsAndSetsThemAtRunTime() {
		open("/async-queue/queues/emails");
		String limits = browser.driver.findElement(By.id("limits")).getText();
		assertThat(limits).contains("0 running of 3 (3 free)", "50 starts per 1s").doesNotContain("set at run time");
		assertThat(browser.driver.findElements(By.id("clear-limits"))).isEmpty();

		browser.driver.findElement(By.name("global-concurrency")).sendKeys("5");
		browser.driver.findElement(By.id("set-limits")).click();
		waitFor(() -> browser.driver.findElements(By.id("done")).size() == 1);
		assertThat(browser.driver.findElement(By.id("limits")).getText()).contains("0 running of 5",
				"set at run time", "50 starts per 1s");
		assertThat(this.operations.limits("emails").globalConcurrencySetAtRunTime()).isTrue();
		assertNoConsoleErrors("limits");

		browser.driver.findElement(By.id("clear-limits")).click();
		waitFor(() -> browser.driver.findElement(By.id("limits")).getText().contains("0 running of 3"));
		assertThat(this.operations.limits("emails").globalConcurrencySetAtRunTime()).isFalse();
	}

	@Test
	void aScriptInAPayloadIsShownAsTextAndNeverRuns() {
		String payload = "fail <script>window.injected = 1</script><img src=x onerror=\"window.injected = 2\">";
		String id = push(payload);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.operations.failedJobs("orders", 0, 100).stream().anyMatch((job) -> job.id().equals(id)));

		open("/async-queue/queues/orders/failed");
		assertThat(browser.driver.findElement(By.id("parked")).getText()).contains("<script>window.injected = 1</script>");
		assertThat(browser.driver.executeScript("return typeof window.injected")).isEqualTo("undefined");
		open("/async-queue/queues/orders/jobs/" + id);
		assertThat(browser.driver.findElement(By.id("payload")).getText()).contains("<script>window.injected = 1</script>");
		assertThat(browser.driver.findElement(By.id("error")).getText()).contains("<img src=x onerror=");
		assertThat(browser.driver.findElements(By.cssSelector("main script, main img"))).isEmpty();
		assertThat(browser.driver.executeScript("return typeof window.injected")).isEqualTo("undefined");
		browser.screenshot("escaped");
		assertNoConsoleErrors("escaped");
	}

	@Test
	void aPostWithoutTheCsrfTokenFailsEvenWhenSignedIn() {
		Object status = browser.driver.executeAsyncScript("var done = arguments[arguments.length - 1];"
				+ "fetch('/async-queue/queues/orders/pause', { method: 'POST', credentials: 'same-origin' })"
				+ ".then(function (r) { done(r.status); })");
		assertThat(((Number) status).intValue()).isEqualTo(403);
		assertThat(this.operations.isPaused("orders")).isFalse();
		browser.consoleErrors(); // the refused fetch is logged as a failed resource: expected here
	}

	@Test
	void aVisitorWhoHasNotSignedInIsRefused() {
		browser.driver.manage().deleteAllCookies();
		open("/async-queue/queues/orders/failed");
		assertThat(browser.driver.getCurrentUrl()).endsWith("/async-queue/login");
		Object status = browser.driver.executeAsyncScript("var done = arguments[arguments.length - 1];"
				+ "fetch('/async-queue/api/snapshot', { credentials: 'same-origin', headers: { Accept: 'application/json' } })"
				+ ".then(function (r) { done(r.status); })");
		assertThat(((Number) status).intValue()).isEqualTo(401);
		browser.screenshot("sign-in");
		browser.consoleErrors(); // the refused fetch is logged as a failed resource: expected here
	}

	private void open(String path) {
		browser.driver.get("http://localhost:" + this.port + path);
	}

	private void assertNoConsoleErrors(String page) {
		browser.screenshot(page);
		assertThat(browser.consoleErrors()).as("console errors on the %s page", page).isEmpty();
	}

	private String text(String css) {
		List<WebElement> found = browser.driver.findElements(By.cssSelector(css));
		return found.isEmpty() ? "" : found.get(0).getText();
	}

	private static long number(String script) {
		Object value = browser.driver.executeScript(script);
		return (value instanceof Number number) ? number.longValue() : -1;
	}

	private static void waitFor(java.util.function.BooleanSupplier condition) {
		// a click that submits a form replaces the page: an element read meanwhile may belong to the old one
		new WebDriverWait(browser.driver, Duration.ofSeconds(15)).ignoring(StaleElementReferenceException.class)
			.until((driver) -> condition.getAsBoolean());
	}

}
