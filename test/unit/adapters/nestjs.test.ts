/**
 * NestJS on its two HTTP adapters: quietcount/express through `app.use`, quietcount/fastify through `app.register`.
 * The controllers are written without decorator syntax (Node's type stripping has none): each decorator is applied
 * by hand, as the `@Controller`, `@Get`, `@Param` lines of a NestJS app would.
 */
import 'reflect-metadata';
import { Controller, Get, Logger, Module, NotFoundException, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { describe, it } from 'vitest';
import { httpCounter as expressCounter } from '../../../src/adapters/express.ts';
import { httpCounter as fastifyCounter } from '../../../src/adapters/fastify.ts';
import { startTelemetry } from '../../support/telemetry.ts';
import { expectHostilePathsKeptOut, expectStandardCounts, sendStandardTraffic, type RunningApp } from './framework-traffic.ts';

class PlansController {
  checkout(): { ok: boolean } {
    return { ok: true };
  }

  compare(planId: string): { plans: never[] } {
    if (planId === '404') throw new NotFoundException('unknown plan');
    return { plans: [] };
  }
}

class ErrorsController {
  boom(): never {
    throw new Error('boom');
  }
}

function method<T>(controller: { prototype: T }, name: keyof T & string, decorator: MethodDecorator): void {
  const descriptor = Object.getOwnPropertyDescriptor(controller.prototype, name);
  if (descriptor !== undefined) decorator(controller.prototype as object, name, descriptor);
}

Controller('plans')(PlansController);
method(PlansController, 'checkout', Post(':planId/checkout'));
method(PlansController, 'compare', Get(':planId/compare'));
Param('planId')(PlansController.prototype, 'compare', 0);
Controller()(ErrorsController);
method(ErrorsController, 'boom', Post('boom'));

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a NestJS module: an empty class its decorator describes
class AppModule {}
Module({ controllers: [PlansController, ErrorsController] })(AppModule);

// NestJS's start-up lines would only clutter the test output.
Logger.overrideLogger(false);

async function running(app: NestExpressApplication | NestFastifyApplication): Promise<RunningApp> {
  await app.listen(0, '127.0.0.1');
  return { url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), close: () => app.close() };
}

describe('NestJS', () => {
  it('on its express adapter: app.use(httpCounter(telemetry)) of quietcount/express counts by route template', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await NestFactory.create<NestExpressApplication>(AppModule);
    app.use(expressCounter(telemetry));
    const served = await running(app);
    await sendStandardTraffic(served);
    expectStandardCounts(await counts());
    await expectHostilePathsKeptOut(served, counts);
    await served.close();
  });

  it('on its Fastify adapter: app.register(httpCounter(telemetry)) of quietcount/fastify counts by route template', async () => {
    const { telemetry, counts } = await startTelemetry();
    const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter());
    await app.register(fastifyCounter(telemetry));
    const served = await running(app);
    await sendStandardTraffic(served);
    expectStandardCounts(await counts());
    await expectHostilePathsKeptOut(served, counts);
    await served.close();
  });
});
