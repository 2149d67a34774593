package io.asyncqueue.spring.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Calls a bean's method through the bean as the context holds it (a proxy's advice applies), so that the
 * method's own exception, not a reflection wrapper, is what fails the job.
 */
final class MethodInvoker {

	private final Object bean;

	private final Method method;

	MethodInvoker(Object bean, Method method) {
		this.bean = bean;
		this.method = AopUtils.selectInvocableMethod(method, bean.getClass());
		ReflectionUtils.makeAccessible(this.method);
	}

	@Nullable Object invoke(@Nullable Object... arguments) throws Exception {
		try {
			return this.method.invoke(this.bean, arguments);
		}
		catch (InvocationTargetException ex) {
			Throwable cause = ex.getTargetException();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			throw (Error) cause;
		}
	}

	/** A method as error messages name it: {@code com.example.Orders.on(CreateOrder, JobContext)}. */
	static String describe(Class<?> type, Method method) {
		return type.getName() + "." + method.getName() + "(" + Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", ")) + ")";
	}

}
