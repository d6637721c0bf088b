/* asynclab.h — everything in the core, for programs that want it all. */
#ifndef ASYNCLAB_H
#define ASYNCLAB_H
#include "asynclab/error.h"
#include "asynclab/loop.h"
#include "asynclab/backend.h"
#include "asynclab/timer.h"
#include "asynclab/io.h"
#include "asynclab/op.h"
#include "asynclab/gen.h"
#include "asynclab/future.h"
#include "asynclab/task.h"
#include "asynclab/fiber.h"
#include "asynclab/nursery.h"
#include "asynclab/trace.h"
#endif
